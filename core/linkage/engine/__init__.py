"""The symbolic enforcement engine: incentive constraints in cleared form, their critical discount
factors in closed form, slack and its transfer under linkage, and the best linked package."""
