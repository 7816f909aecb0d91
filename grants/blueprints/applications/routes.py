"""The applicant's pages: dashboard, task list, sections, check answers, submit, withdraw."""
