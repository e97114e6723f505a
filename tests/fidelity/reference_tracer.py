"""What CPython's own sys.settrace sees of a program: its line steps, the top frame's locals and
which of them share an object. The engine's recording is compared with this output."""
import json
import sys
import types

path = sys.argv[1]
with open(path, encoding="utf-8") as source:
    code = compile(source.read(), path, "exec")

steps = []


def safe_repr(value):
    # The engine shows a placeholder for a __repr__ that raises (an object half built in __init__).
    try:
        return repr(value)
    except Exception as err:
        return f"<repr raised {type(err).__name__}>"


def noise(name, value):
    return (name.startswith("__") and name.endswith("__")) or isinstance(value, types.ModuleType)


def tracer(frame, event, arg):
    if frame.f_code.co_filename != path:
        return tracer
    if event == "line":
        code_object = frame.f_code
        function = getattr(code_object, "co_qualname", code_object.co_name)
        optimized = bool(code_object.co_flags & 0x1)
        names = {k: v for k, v in frame.f_locals.items() if optimized or not noise(k, v)}
        ids = {}
        for name, value in names.items():
            ids.setdefault(id(value), []).append(name)
        steps.append({
            "function": function,
            "line": frame.f_lineno,
            "locals": {name: safe_repr(value) for name, value in names.items()},
            "shared": sorted(sorted(group) for group in ids.values() if len(group) > 1),
        })
    return tracer


namespace = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
real_stdout = sys.stdout
sys.settrace(tracer)
try:
    exec(code, namespace)
except BaseException as exc:  # the engine records the steps up to an uncaught exception too
    pass
finally:
    sys.settrace(None)
real_stdout.write(json.dumps(steps))
