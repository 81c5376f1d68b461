"""Emulators of Microsoft Entra ID (the OAuth authority MSAL talks to), Microsoft Graph
(Teams channel messages) and Yammer REST v1 (Viva Engage), sharing one ``TokenBook``."""
