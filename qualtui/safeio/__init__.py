"""Reading hostile input (XML, zip) and writing output files safely."""
