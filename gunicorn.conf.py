"""Shipped gunicorn settings.

The access log format leaves out the client address (%(h)s), the referrer and
the user agent, and never includes query strings or bodies: an anonymous survey
must not leave a trail that links a person to a response.
"""

import multiprocessing
import os

bind = os.environ.get("ENGAGE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ENGAGE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("ENGAGE_THREADS", "1"))
timeout = 30
accesslog = os.environ.get("ENGAGE_ACCESS_LOG", "-")
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("ENGAGE_FORWARDED_ALLOW_IPS", "127.0.0.1")
