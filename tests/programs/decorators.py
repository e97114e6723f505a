import functools


def logged(func):
    calls = []

    @functools.wraps(func)
    def wrapper(*args):
        calls.append(args)
        return func(*args)

    wrapper.calls = calls
    return wrapper


@logged
def add(a, b):
    return a + b


total = add(1, 2) + add(3, 4)
print(total, add.calls, add.__name__)
