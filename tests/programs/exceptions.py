def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as err:
        message = str(err)
        raise ValueError("bad divisor") from err
    else:
        return result
    finally:
        done = True


try:
    divide(1, 0)
except ValueError as problem:
    cause = problem.__cause__
    print(type(cause).__name__, problem)
print(divide(6, 3))
