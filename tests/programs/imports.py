import math
import json as j
from collections import OrderedDict

root = math.sqrt(16)
encoded = j.dumps({"a": [1, 2]})
ordered = OrderedDict(b=1, a=2)
import math as again
same_module = again is math
print(root, encoded, list(ordered), same_module)
