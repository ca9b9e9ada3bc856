from overridden_by_sync_subclass_declined import Store


class FakeStore(Store):
    def save(self, item):
        print("fake", item)
