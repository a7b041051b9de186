"""Checks SageMaker responses against botocore's SageMaker model (the one installed with boto3).

Reads JSON lines {"operation": ..., "response": {...}} on stdin; prints one JSON line per problem:
a member the output shape does not have, a wrong type, an enum value the model does not list, or a
required member missing. A line {"operation": ..., "error": "<code>"} is an error answer: its code
must be one the model lists for that operation, or one every AWS JSON service may answer. Exit code
0 either way; exit 2 when botocore is not installed.
"""
import json
import sys

try:
    import botocore.session
except ImportError:
    sys.exit(2)

MODEL = botocore.session.get_session().get_service_model("sagemaker")
# Errors the AWS JSON protocol gives any operation (not listed per operation in the model).
COMMON_ERRORS = {
    "ValidationException",
    "SerializationException",
    "ThrottlingException",
    "AccessDeniedException",
    "InternalFailure",
    "ServiceUnavailable",
    "UnknownOperationException",
}


def check(shape, value, path, problems):
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        for name in getattr(shape, "required_members", []):
            if name not in value:
                problems.append(f"{path}.{name}: required by the model, missing")
        for name, member in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
                continue
            check(shape.members[name], member, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {type(value).__name__}")
            return
        for index, item in enumerate(value):
            check(shape.member, item, f"{path}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {type(value).__name__}")
            return
        for key, item in value.items():
            check(shape.value, item, f"{path}[{key}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string, got {type(value).__name__}")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} is not one of {shape.name}'s values")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer, got {value!r}")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean, got {value!r}")
    elif kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected epoch seconds, got {value!r}")


for line in sys.stdin:
    if not line.strip():
        continue
    call = json.loads(line)
    operation = call["operation"]
    try:
        shape = MODEL.operation_model(operation).output_shape
    except Exception:  # noqa: BLE001 - an unknown operation is the problem to report
        print(json.dumps({"operation": operation, "problem": "botocore's SageMaker model has no such operation"}))
        continue
    problems = []
    if "error" in call:
        listed = {error.name for error in MODEL.operation_model(operation).error_shapes}
        if call["error"] not in listed | COMMON_ERRORS:
            problems.append(f"{operation}: answers {call['error']}, which the model does not list (it lists {sorted(listed)})")
    elif shape is not None:
        check(shape, call["response"], operation, problems)
    for problem in problems:
        print(json.dumps({"operation": operation, "problem": problem}))
