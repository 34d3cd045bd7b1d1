"""Storage: one module per aggregate. Import from here."""
from models.base import utcnow
from models.contact import Contact
from models.message import Message, Direction, MessageState
from models.case import Case, CaseEvent, CaseCounter, CaseState
from models.user import User, TrainingExample, TrainingSource
from models.group import CaseGroup
from models.channel import ApiKey, ChannelToken, ServiceRequest
from models.security import LoginThrottle, SeenRequest
from models.heartbeat import Heartbeat
from models.informant import Informant, InformantReminder, InformantReport, InformantReportNote, ReportState
from models.hotspot import HotspotAlert, HotspotCase
from models.document import CaseDocument
from models.workflow import (Attachment, CallBack, CaseWorkflow, Petitioner, Reception, ReminderSent,
                             Supervision)

__all__ = ["utcnow", "Contact", "Message", "Direction", "MessageState", "Case", "CaseEvent",
           "CaseCounter", "CaseState", "User", "TrainingExample", "TrainingSource", "ApiKey", "ChannelToken",
           "ServiceRequest", "LoginThrottle", "SeenRequest", "CaseGroup", "Heartbeat", "HotspotAlert", "HotspotCase",
           "Attachment", "CallBack", "CaseDocument", "CaseWorkflow", "Petitioner", "Reception", "ReminderSent", "Supervision",
           "Informant", "InformantReminder", "InformantReport", "InformantReportNote", "ReportState"]
