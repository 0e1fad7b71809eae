"""What AWS offers (instance classes, node types, engine versions, architectures), and the check."""
