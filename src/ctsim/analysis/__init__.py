"""Reading Results: target verdicts, headline metrics, sensitivity indices, Kaya/LMDI decomposition
and comparisons (policy wedges). Never samples: designs come from ctsim.inputs."""
