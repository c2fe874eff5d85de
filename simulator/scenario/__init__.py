"""Commands as a learner types them, and the ready-made labs they run in."""
