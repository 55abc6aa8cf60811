from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.decorators import provider_staff_required, reviewer_required

from .models import Course


@login_not_required
@require_safe
def course_list(request):
    courses = Course.objects.approved().select_related("provider")[:50]
    return render(request, "catalog/course_list.html", {"courses": courses})


@login_not_required
@require_safe
def course_detail(request, pk):
    course = get_object_or_404(Course.objects.approved().select_related("provider"), pk=pk)
    return render(request, "catalog/course_detail.html", {"course": course})


@provider_staff_required
def provider_courses(request):
    courses = Course.objects.filter(provider=request.user.provider)
    return render(request, "catalog/provider_courses.html", {"courses": courses})


@reviewer_required
def review_queue(request):
    courses = Course.objects.pending().select_related("provider")
    return render(request, "catalog/review_queue.html", {"courses": courses})
