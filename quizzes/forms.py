"""Forms: answering questions, signing up."""
