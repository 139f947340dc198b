print("training on", open("labels.csv").read().count("\n") - 1, "examples")
