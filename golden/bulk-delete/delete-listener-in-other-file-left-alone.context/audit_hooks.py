from sqlalchemy import event

from models import SimulatorEventDB


def _record(mapper, connection, target):
    connection.exec_driver_sql("INSERT INTO audit_log (what) VALUES ('event deleted')")


event.listen(SimulatorEventDB, "before_delete", _record)
