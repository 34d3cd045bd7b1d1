"""Storage: one module per aggregate. Import from here."""
from models.base import utcnow
from models.contact import Contact
from models.message import Message, Direction, MessageState
from models.case import Case, CaseEvent, CaseCounter, CaseState
from models.user import User, TrainingExample
from models.channel import ApiKey, ChannelToken, ServiceRequest
from models.workflow import (Attachment, CallBack, CaseWorkflow, Petitioner, Reception, ReminderSent,
                             Supervision)

__all__ = ["utcnow", "Contact", "Message", "Direction", "MessageState", "Case", "CaseEvent",
           "CaseCounter", "CaseState", "User", "TrainingExample", "ApiKey", "ChannelToken",
           "ServiceRequest", "Attachment", "CallBack", "CaseWorkflow", "Petitioner", "Reception",
           "ReminderSent", "Supervision"]
