"""Files and their text: where uploaded files are kept and how their text is read."""
