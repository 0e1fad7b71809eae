"""Monthly cost of a plan: AWS's list prices (a pinned Price List snapshot) times stated usage."""
