from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class ExerciseDB(Base):
    __tablename__ = "exercises"
    id = Column(Integer, primary_key=True)
    title = Column(String)


class ExerciseAttemptDB(Base):
    __tablename__ = "exercise_attempts"
    id = Column(Integer, primary_key=True)
    exercise_id = Column(Integer, ForeignKey("exercises.id"))
    is_sec = Column(Boolean, default=False)
    exercise = relationship("ExerciseDB")


class SimulatorEventDB(Base):
    __tablename__ = "simulator_events"
    id = Column(Integer, primary_key=True)
    session_id = Column(String, index=True)
    created_at = Column(DateTime)
