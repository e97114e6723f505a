a = [1, 2, 3]
b = a
c = list(a)
b.append(4)
d = {"k": a, "n": None}
e = d["k"]
a = "rebound"
print(b, c, d, e)
