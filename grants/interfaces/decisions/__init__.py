"""The commissioner's decision notices: drafted on approval, edited, signed, and published on the public Decisions page."""
