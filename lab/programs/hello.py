#!/usr/bin/python3
# A Python script: needs the interpreter named on the shebang line inside the image.
print("hello from Python")
