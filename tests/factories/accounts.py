import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    """A user holding one role: `UserFactory(role="procurement")`. Security reviewers are staff (they use the admin)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        self.groups.add(Group.objects.get(name=extracted))
        if extracted == "security-reviewer" and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
