def build(n):
    squares = [i * i for i in range(n)]
    table = {i: str(i) for i in range(n)}
    evens = {i for i in squares if i % 2 == 0}
    double = lambda v: v * 2
    doubled = [double(s) for s in squares]
    return squares, table, evens, doubled


result = build(4)
print(result)
