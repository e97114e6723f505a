a, b = 1, 2
a, b = b, a
first, *middle, last = [10, 20, 30, 40]
(x, y), z = (5, 6), 7
head, *tail = "abc"
pairs = dict(zip("xy", (1, 2)))
key, value = next(iter(pairs.items()))
print(a, b, first, middle, last, x, y, z, head, tail, key, value)
