"""The monitoring return: what the grantee reports against its application, section by section.

Like the application form, answers are kept exactly as typed (valid or not) and a section is
complete when its form validates; the questions come from the award's application (its
milestones, beneficiary groups, budget lines and outcomes).
"""
