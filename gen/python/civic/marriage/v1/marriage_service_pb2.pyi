from civic.api.v1 import audit_pb2 as _audit_pb2
from civic.api.v1 import policy_pb2 as _policy_pb2
from civic.marriage.v1 import resources_pb2 as _resources_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
