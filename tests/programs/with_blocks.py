class Tracker:
    def __init__(self, name):
        self.name = name
        self.events = []

    def __enter__(self):
        self.events.append("enter")
        return self

    def __exit__(self, kind, value, traceback):
        self.events.append("exit")
        return False


with Tracker("outer") as outer:
    with Tracker("inner") as inner:
        inner.events.append("body")
print(outer.events, inner.events)
