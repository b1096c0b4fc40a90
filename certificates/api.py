"""REST API of the certificates app: public verification (JSON) and the learner's own certificates."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import ratelimit, selectors


class VerificationSerializer(serializers.Serializer):
    """The facts frozen at issue, as the public verification page shows them."""

    number = serializers.CharField()
    status = serializers.ChoiceField(choices=["valid", "revoked", "superseded"])
    status_label = serializers.CharField(source="get_status_display")
    learner_name = serializers.CharField()
    course_title = serializers.CharField()
    class_title = serializers.CharField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    completed_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    issuing_unit = serializers.CharField(source="issuing_unit_name")
    decision_number = serializers.CharField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField()
    replaced_by = serializers.SerializerMethodField()
    pdf_sha256 = serializers.CharField()

    def get_replaced_by(self, certificate) -> str | None:
        replacement = getattr(certificate, "replaced_by", None)
        return replacement.number if replacement is not None else None


class MyCertificateSerializer(VerificationSerializer):
    id = serializers.IntegerField()
    verify_url = serializers.SerializerMethodField()

    def get_verify_url(self, certificate) -> str:
        return selectors.verify_url(certificate.code)


_DETAIL = inline_serializer("CertificateVerificationError", {"detail": serializers.CharField()})


@extend_schema(responses={200: VerificationSerializer, 404: OpenApiResponse(_DETAIL),
                          429: OpenApiResponse(_DETAIL)}, auth=[])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def verify(request, code: str):
    """Verify a certificate by the code in its QR (no login; unknown codes are capped per address)."""
    if not ratelimit.lookup_allowed(request):
        return Response({"detail": _("Too many unknown codes from your connection. Try again in an hour.")},
                        status=429)
    certificate = selectors.by_code(code)
    if certificate is None:
        return Response({"detail": _("No certificate has this code.")}, status=404)
    ratelimit.give_back(request)
    response = Response(VerificationSerializer(certificate).data)
    response["Cache-Control"] = "no-store"
    return response


@extend_schema(responses=MyCertificateSerializer(many=True))
@api_view(["GET"])
def mine(request):
    """My certificates (superseded ones included, as history)."""
    return Response(MyCertificateSerializer(selectors.my_certificates(request.user), many=True).data)
