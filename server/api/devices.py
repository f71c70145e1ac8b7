"""Enrolment and revocation of tablets."""
from datetime import datetime, timezone

from flask import current_app, g, jsonify, request
from marshmallow import ValidationError

from sync.errors import InvalidRequest
from sync.schemas import DeviceEnrolledSchema, DeviceEnrolmentSchema, flatten_errors

from ..services.field import devices
from .blueprint import api_bp, json_body
from .auth import device_required


@api_bp.post("/devices")
def enrol():
    try:
        data = DeviceEnrolmentSchema().load(json_body())
    except ValidationError as error:
        raise InvalidRequest(fields=flatten_errors(error.messages)) from None
    done = devices.enrol_device(data["login"], data["password"], data["device_name"],
                                remote_addr=request.remote_addr or "", now=datetime.now(timezone.utc),
                                max_attempts=current_app.config["LOGIN_MAX_ATTEMPTS"],
                                window_seconds=current_app.config["LOGIN_WINDOW_SECONDS"],
                                enrolment_id=data.get("enrolment_id"))
    body = {"device_id": done.device.id, "token": done.token,
            "technician": {"id": done.user.id, "login": done.user.login, "name": done.user.name}}
    return jsonify(DeviceEnrolledSchema().dump(body)), 201


@api_bp.delete("/devices/<int:device_id>")
@device_required
def revoke(device_id: int):
    devices.revoke_device(device_id, by=g.api_user, now=datetime.now(timezone.utc), from_device=g.device.id)
    return "", 204
