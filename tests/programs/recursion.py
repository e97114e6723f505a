def fact(n):
    if n <= 1:
        return 1
    rest = fact(n - 1)
    return n * rest


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fact(6), fib(7))
