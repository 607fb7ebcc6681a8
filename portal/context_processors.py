def conta_externa(request):
    """The signed-in portal account (or None) for the portal's templates."""
    return {"conta_externa": getattr(request, "conta_externa", None)}
