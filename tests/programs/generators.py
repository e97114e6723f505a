def countdown(n):
    while n > 0:
        yield n
        n -= 1


def pairs(items):
    for i, item in enumerate(items):
        yield i, item


gen = countdown(3)
first = next(gen)
rest = list(gen)
squares = (v * v for v in range(4))
total = sum(squares)
for index, value in pairs("ab"):
    print(index, value)
print(first, rest, total)
