"""The desktop app's own parts: which tabs are open (presence) and the files a person
opened with Sheaf."""
