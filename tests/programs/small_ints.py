x = 256
y = 256
big = 10 ** 3
other = 1000
same = big
t = ()
u = ()
s = "hello"
r = "hel" + "lo"
print(x is y, big == other, t is u)
