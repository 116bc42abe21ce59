"""Charts for reports and the explorer: one module per family, one shared style."""
