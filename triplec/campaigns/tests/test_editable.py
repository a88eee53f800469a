import pytest

from triplec.campaigns.models import Campaign, CampaignState


@pytest.mark.parametrize("state", CampaignState.values)
def test_it_allows_editing_submitting_and_approving_only_before_the_start(state):
    before_start = {CampaignState.DRAFT, CampaignState.PENDING, CampaignState.APPROVED}
    assert Campaign(state=state).is_editable is (state in before_start)
