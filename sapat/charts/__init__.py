"""Pure chart functions: DataFrame → Plotly figure, shared by pages and the report."""
