"""Use cases. Each public function is one unit of work on the session it is given; callers commit."""
