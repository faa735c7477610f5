"""The demo data command, above every app: `manage.py seed_demo` runs each app's own demo steps in
layer order (`accounts.demo`, `crm.demo`, `workflow.demo`), in one transaction. No app imports it.
"""
