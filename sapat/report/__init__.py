"""The yearly Academic Council deck: content from the warehouse, drawn as PowerPoint and PDF."""
