"""Waves and picking: planning (pure rules), releasing waves into pick tasks bound to the
reservations they consume, claiming tasks, and confirming picks bin -> tote."""
