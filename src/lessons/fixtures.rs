//! Lesson texts shared by the tests.

/// A lesson that uses every feature of the format. Tests refer to its line numbers.
pub const SAMPLE_LESSON: &str = r#####"+++
id = "sample-lesson"
title = "A sample"
order = 3
goals = ["Read a lesson", "Write one"]
panels = ["heap", "output"]
minutes = 12
+++

Intro text before sections.

## First section

Some prose with `code`.

```python example outcome=finished start=2
x = [1, 2, 3]
y = x
print(x)
```

Between blocks.

```python example outcome=ZeroDivisionError
1 / 0
```

```python
# a plain illustration
## not a heading
```

## Predicting

```python predict
a = [1]
b = a
b += [2]
print(a)
```

Pick one:

```text choices
[1]
[1, 2]
```

```text answer
[1, 2]
```

```python predict
print("hi")
```

```text answer
hi
```

## Exercise

```python exercise id=swap-pair
def swap(pair):
    ...
```

```python check
assert swap((1, 2)) == (2, 1)
```

```text hint
A tuple can be built from its items in any order.
```

```text hint
`pair[1], pair[0]` is already a tuple.
```

```python solution
def swap(pair):
    return pair[1], pair[0]
```

```python example timeout=2.5 plot=scatter
for i in range(3):
    print("PLOT s", i, i * i)
```

## Recap

- Names refer to objects.
"#####;

/// Front matter with every required key; a body added after it starts on line 7.
pub const MINIMAL_FRONT_MATTER: &str = "+++\nid = \"t\"\ntitle = \"T\"\norder = 1\ngoals = [\"g\"]\n+++\n";

/// The first line of a body appended to `MINIMAL_FRONT_MATTER`.
pub const BODY_FIRST_LINE: u32 = 7;

/// A lesson file with minimal front matter and this body.
pub fn with_body(body: &str) -> String {
    format!("{MINIMAL_FRONT_MATTER}{body}")
}

/// A file with this front matter (without the `+++` lines) and a one-line body.
pub fn with_front_matter(toml: &str) -> String {
    format!("+++\n{toml}\n+++\ntext\n")
}

/// A well-formed predict, to append when a test needs more blocks.
pub const PREDICT_BLOCK: &str = "```python predict\nprint(1)\n```\n\n```text answer\n1\n```\n";
