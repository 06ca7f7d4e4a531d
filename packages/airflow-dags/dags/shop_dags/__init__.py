"""Helpers for the Shop Analytics DAGs: configuration, S3 checks and the local job runner.

This package sits inside the DAG folder because Airflow puts that folder on ``sys.path`` in the
scheduler, the DAG processor and the workers alike, so a deployment copies one folder and nothing
needs installing. ``.airflowignore`` keeps the DAG processor from parsing it as DAG files.
"""
