"""One person, several accounts (issue 18): careloop suggests accounts in other sources that may be the same
member, a manager links them (recorded: who, when, why), and an undo takes one account out again (recorded too);
no Member row is ever merged, changed or deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from careloop.cases import people
from careloop.cases.roles import Role, set_role
from careloop.community.models import Member, PersonAccount, PersonLink, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(manager):
    set_role(manager, Role.MANAGER)
    return manager


@pytest.fixture
def places(source) -> dict[str, Source]:
    return {"forum": source, "matrix": Source.objects.create(name="matrix", kind="matrix"),
            "mail": Source.objects.create(name="mail", kind="email"),
            "toot": Source.objects.create(name="toot", kind="mastodon")}


def account(source: Source, external_id: str, handle: str = "", name: str = "", email: str = "") -> Member:
    return Member.objects.create(source=source, external_id=external_id, handle=handle, display_name=name,
                                 extra={"email": email} if email else {})


def suggested(member: Member) -> dict[int, list[tuple[str, str]]]:
    return {s.member.pk: [(m.basis, m.value) for m in s.matches] for s in people.suggest_links(member)}


def test_the_same_e_mail_address_is_suggested_case_aside(member, places):
    by_mail = account(places["mail"], "Mia@Example.org", name="M. K.")
    on_matrix = account(places["matrix"], "@xyz:matrix.org", handle="@xyz:matrix.org", email="MIA@example.ORG")
    same_forum = account(member.source, "mia-old", handle="mia_old", email="mia@example.org")
    account(places["matrix"], "@other:matrix.org", handle="other", email="mia@example.org.evil")
    found = people.suggest_links(member)
    assert {s.member.pk: [(m.basis, m.value) for m in s.matches] for s in found} == {
        by_mail.pk: [("email", "mia@example.org")], on_matrix.pk: [("email", "mia@example.org")],
        same_forum.pk: [("email", "mia@example.org")]}  # an address is one person even on the same source
    assert all(s.strong for s in found)
    assert found[0].words == "same e-mail address mia@example.org"


def test_the_same_handle_on_another_source_is_suggested_in_its_platform_shapes(member, places):
    shapes = [account(places["matrix"], "@mia:matrix.org", handle="@Mia:matrix.org"),
              account(places["toot"], "109", handle="mia@mastodon.social")]
    account(member.source, "mia-2", handle="mia")  # the same source: another id is another account there
    account(places["matrix"], "@miami:matrix.org", handle="@miami:matrix.org")  # a longer handle is not the same
    found = suggested(member)
    assert {pk: m for pk, m in found.items() if ("handle", "mia") in m} == {a.pk: [("handle", "mia")] for a in shapes}
    assert len(found) == 2


def test_the_same_name_alone_is_a_weak_suggestion_after_the_strong_ones(member, places):
    member.display_name = "Mia Kowalski"
    member.save()
    namesake = account(places["matrix"], "@mk:matrix.org", handle="mk", name="MIA KOWALSKI")  # capitals aside
    twin = account(places["toot"], "110", handle="mia", name="Mia Kowalski")
    found = people.suggest_links(member)
    assert [s.member.pk for s in found] == [twin.pk, namesake.pk]
    assert found[0].strong and [m.basis for m in found[0].matches] == ["handle", "name"]
    assert not found[1].strong and found[1].words == "same name “Mia Kowalski” (a weak hint: names repeat)"


def test_never_the_member_itself_nor_an_account_already_linked(member, places, boss):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="mia", email="mia@example.org")
    by_mail = account(places["mail"], "mia@example.org")
    assert set(suggested(member)) == {on_matrix.pk, by_mail.pk}
    people.link(member, on_matrix, boss)
    assert set(suggested(member)) == {by_mail.pk}
    assert set(suggested(on_matrix)) == {by_mail.pk}
    assert set(suggested(by_mail)) == {member.pk, on_matrix.pk}  # not linked yet: both its own suggestions


def test_a_link_is_recorded_and_reads_both_ways(member, places, boss):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="mia")
    before = list(Member.objects.order_by("pk").values())
    person = people.link(member, on_matrix, boss, note="she said so in the DM")
    assert [m.pk for m in people.person_of(member)] == [member.pk, on_matrix.pk]
    assert [m.pk for m in people.person_of(on_matrix)] == [on_matrix.pk, member.pk]
    record = PersonLink.objects.get()
    assert (record.person, record.kind, record.member, record.other, record.basis, record.detail, record.note,
            record.by) == (person, "linked", on_matrix, member, "handle", "mia", "she said so in the DM", boss)
    assert list(Member.objects.order_by("pk").values()) == before  # no account was changed
    with pytest.raises(people.LinkRefused, match="already linked"):
        people.link(on_matrix, member, boss)
    with pytest.raises(people.LinkRefused, match="itself"):
        people.link(member, member, boss)


def test_a_link_without_a_match_is_the_managers_judgment(member, places, boss):
    stranger = account(places["toot"], "111", handle="zed", name="Zed")
    people.link(member, stranger, boss)
    assert PersonLink.objects.get().basis == "by_hand"


def test_linking_into_an_existing_person_joins_it_and_two_persons_become_one(member, places, boss):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="mia")
    by_mail = account(places["mail"], "mia@example.org")
    on_toot = account(places["toot"], "112", handle="mia")
    toot_alt = account(places["toot"], "113", handle="mia_alt")
    first = people.link(member, on_matrix, boss)
    assert people.link(by_mail, member, boss) == first  # the new account joins the member's person
    second = people.link(on_toot, toot_alt, boss)
    assert second != first
    assert people.link(on_matrix, toot_alt, boss) == first  # the other's whole person joins
    assert {m.pk for m in people.person_of(toot_alt)} == {member.pk, on_matrix.pk, by_mail.pk, on_toot.pk,
                                                          toot_alt.pk}
    assert PersonAccount.objects.filter(person=second).count() == 0
    joined = PersonLink.objects.filter(person=first).order_by("id").last()
    assert (joined.member, joined.basis, joined.other) == (on_toot, "joined", toot_alt)


def test_an_undo_is_recorded_and_the_other_links_stay(member, places, boss):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="mia")
    by_mail = account(places["mail"], "mia@example.org")
    people.link(member, on_matrix, boss)
    people.link(member, by_mail, boss)
    undo = people.unlink(on_matrix, boss, note="a different Mia")
    assert (undo.kind, undo.member, undo.by, undo.note) == ("unlinked", on_matrix, boss, "a different Mia")
    assert people.person_of(on_matrix) == [on_matrix]
    assert [m.pk for m in people.person_of(member)] == [member.pk, by_mail.pk]
    assert [r.kind for r in people.links_of(member)] == ["linked", "linked", "unlinked"]  # nothing forgotten
    assert on_matrix.pk in suggested(member)  # the undone account is a suggestion again
    people.unlink(by_mail, boss)
    assert people.person_of(member) == [member] and not PersonAccount.objects.exists()  # one account: no person
    with pytest.raises(people.LinkRefused, match="linked to no other account"):
        people.unlink(member, boss)
    assert Member.objects.filter(pk__in=[member.pk, on_matrix.pk, by_mail.pk]).count() == 3


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_only_a_manager_links_or_undoes(member, places, boss, teammate, role):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="mia")
    set_role(teammate, role)
    with pytest.raises(PermissionDenied, match="only a manager"):
        people.link(member, on_matrix, teammate)
    people.link(member, on_matrix, boss)
    with pytest.raises(PermissionDenied, match="only a manager"):
        people.unlink(on_matrix, teammate)
    assert people.suggest_links(member) == [] and len(people.person_of(member)) == 2  # reading is anyone's
    assert PersonLink.objects.count() == 1


def test_the_command_line_suggests_links_and_undoes(cli, member, places, boss, teammate):
    on_matrix = account(places["matrix"], "@mia:matrix.org", handle="@mia:matrix.org")
    set_role(teammate, Role.AGENT)
    shown = cli("member", "suggest", "forum:@mia:example.org")
    assert shown.exit_code == 0
    assert shown.output == f"{on_matrix.pk} matrix:@mia:matrix.org @@mia:matrix.org: same handle “mia” on another " \
                           "source\n"
    refused = cli("member", "link", str(member.pk), str(on_matrix.pk), "--as", "ben")
    assert refused.exit_code == 1 and "only a manager" in refused.output and not PersonLink.objects.exists()
    linked = cli("member", "link", str(member.pk), "matrix:@mia:matrix.org", "--as", "anna", "--note", "same Mia")
    assert linked.exit_code == 0 and linked.output.startswith(f"one person: {member.pk} forum:@mia:example.org")
    assert PersonLink.objects.get().note == "same Mia"
    again = cli("member", "link", str(on_matrix.pk), str(member.pk), "--as", "anna")
    assert again.exit_code == 1 and "already linked" in again.output
    assert cli("member", "suggest", str(member.pk)).output.startswith(f"linked: {on_matrix.pk} matrix:")
    undone = cli("member", "unlink", str(on_matrix.pk), "--as", "anna")
    assert undone.exit_code == 0 and "stands alone again" in undone.output
    assert people.person_of(member) == [member]
    assert cli("member", "unlink", str(on_matrix.pk), "--as", "anna").exit_code == 1
    unknown = cli("member", "suggest", "nowhere:x")
    assert unknown.exit_code == 2 and "there is no member 'nowhere:x'" in unknown.output
