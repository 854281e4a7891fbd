"""Reading participation records for pages: one module per capability, no writes."""
