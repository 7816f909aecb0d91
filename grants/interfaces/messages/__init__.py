"""Messages between an organisation and the grants team (issue 23): one thread on each application,
carried on to its award, with attachments checked like every upload and an email to the other side
that says who wrote and links to the thread, never what was written.

``threads`` decides who may see a thread, posts, reads and lists them; ``notify`` says whom to tell
and sends the emails.
"""
