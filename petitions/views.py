from django.shortcuts import get_object_or_404, render

from accounts.decorators import reviewer_required

from .models import Petition


def petition_list(request):
    petitions = Petition.objects.owned_by(request.user)
    return render(request, "petitions/list.html", {"petitions": petitions})


def petition_detail(request, pk):
    petition = get_object_or_404(Petition.objects.owned_by(request.user), pk=pk)
    return render(request, "petitions/detail.html", {"petition": petition})


@reviewer_required
def queue(request):
    petitions = Petition.objects.open().first_come_first_served()
    return render(request, "petitions/queue.html", {"petitions": petitions})
