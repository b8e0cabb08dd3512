"""Output formats. One module per command family; none imports typer."""
