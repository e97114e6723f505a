class Point:
    dims = 2

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def moved(self, dx):
        return Point(self.x + dx, self.y)

    def __repr__(self):
        return f"Point({self.x}, {self.y})"


p = Point(1, 2)
q = p.moved(3)
p.x = 10
print(p, q, Point.dims)
