"""The commissioner's decision notices: drafted on approval, edited, signed, then published on the
public Decisions page."""
