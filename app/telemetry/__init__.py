"""What Sheaf records about itself: per-request metrics (when asked for) and the
server's access log."""
